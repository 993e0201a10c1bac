"""licensedesk-client: the reference installation client. It depends on nothing but the
standard library and `cryptography`, so a VMS installation could ship it."""
