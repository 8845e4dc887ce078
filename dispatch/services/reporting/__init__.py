"""Work reports: drafting, signing and sealing, refusal, verification, signing links and keys,
PDFs.
"""
