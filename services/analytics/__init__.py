"""Read models built from the mesh's events."""
