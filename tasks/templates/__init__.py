"""What the template workflows share: Meta's rules, the EUM template API, the cache, the
verdict mailbox a waiting submission listens on, and the status-event handler.

Cache item: ``PK=TENANT#{tenantId}``, ``SK=TEMPLATE#{name}#{language}`` with
``templateStatus`` (indexed by ``TemplatesByStatus``). Verdict mailbox:
``PK=TEMPLATE#{metaTemplateId}``, ``SK=VERDICT``.
"""
