"""Trust: the audit log, personal-information requests, retention and termination."""
