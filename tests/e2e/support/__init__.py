"""What the end-to-end tests share: the bot process, waiting, a configured server, members
signed up, the sign-up screens, the check-in and matching moves, and who may see members'
words (privacy).

Test modules import from here, never from each other or from a conftest; fixtures stay in
tests/e2e/conftest.py.
"""
