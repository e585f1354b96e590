"""The ``wecare-flows`` command line: start, watch and audit workflows, locally or on AWS."""
