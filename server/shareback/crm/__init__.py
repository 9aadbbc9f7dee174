"""Customers as records (issue 12): who they are, what they ordered, their tickets; CSV imports
from CRMs and shops, exports shaped for re-import, the customer.updated event."""
