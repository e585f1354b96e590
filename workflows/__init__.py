"""wecare-flows: the operations runbook of the WECARE.DIGITAL WhatsApp integration as workflows.

Three hops find any workflow: :mod:`workflows.catalog` names it, ``asl/<name>.asl.json``
defines it, and ``tasks/<name>/`` holds the handler of each of its steps.
"""
