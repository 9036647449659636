"""Access tokens: the signing keys, issuing JWTs, and the published JWKS."""
