"""The top layer: the Application's assembly, the command line, the offline console and the
operators' tools (health, doctor). Nothing below imports from here."""
