"""Read the node into the bridge's schemas. Every function here runs on the node's loop."""
