"""The catalogue and the installed base: models, bases, customers, sites, devices, technicians, and
where a site stands.
"""
