"""Who may call the bridge: users and API tokens on disk, sessions, lockout, unsafe settings.

* :class:`~nautilus_options.bridge.security.store.CredentialStore`: users (argon2 password
  hashes) and revocable API tokens with scopes, in one JSON file (mode 0600);
* :class:`~nautilus_options.bridge.security.sessions.SessionTokens`: short-lived access
  tokens and rotating refresh tokens handed out by a login, held in memory;
* :class:`~nautilus_options.bridge.security.lockout.LoginThrottle`: lockout after repeated
  failed logins;
* :class:`~nautilus_options.bridge.security.authenticator.Authenticator`: one bearer token
  (access or API) to a :class:`~nautilus_options.bridge.principal.Principal`.
"""
