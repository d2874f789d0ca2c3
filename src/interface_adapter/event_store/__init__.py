"""Event store adapters implementing the UserAccountRepository port."""
