"""Request hardening shared by the whole site: security headers, the client's address behind
proxies, and the rate limit on the sign-in pages."""
