"""Plans, subscriptions and renewals."""
