"""Helpers the suite and the bench share: the local stack and waiting for conditions."""
