"""Inquiries from visitors: imports (CSV, mbox, IMAP, the API), mail threads and response-time metrics.

docs/inquiries.md describes the formats and the definitions for users.
"""
