"""The API gateway: the one door into the mesh."""
