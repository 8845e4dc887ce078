"""Pure rules of the service: no Flask, no database, no clock, no I/O."""
