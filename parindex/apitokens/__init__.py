"""API tokens: personal tokens of users and tokens of system accounts for the REST API.

A token is shown once, when it is made; only the SHA-256 of its secret is stored. It acts with
its user's rights (the policy decides, as for pages), optionally narrowed to read-only or to a
few endpoint families (`scopes.FAMILIES`), until it expires or is revoked. Every use moves its
`last_used_at`; every write through it leaves an `ApiAccessLog` row; requests are counted per
token in fixed one-minute windows (`ApiRateWindow`) for the rate limit.
"""
