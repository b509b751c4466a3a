"""Migration operations of the product's own, for changes Django records more expensively."""
