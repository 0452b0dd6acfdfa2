"""Strong identification: OpenID Connect sign-in through identity providers kept as data."""
