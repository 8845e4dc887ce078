"""Support packs and their registration lifecycle: recording, applications, inquiries, completion,
daily jobs, coverage questions.
"""
