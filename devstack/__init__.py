"""The local stack: profiles of ports and folders, and the processes of the mesh.

`make run`, `make test` and `make bench` all start the mesh through this package.
"""
