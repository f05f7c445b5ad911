"""Domain objects in HTX's wire shapes: field names, types and value sets as HTX answers them."""
