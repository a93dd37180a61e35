"""The curators' workspace (/curate): records and inheritors, imports, pictures, exhibits, accounts.

Each module is one blueprint; what they share (who may edit) comes from the domain, not from
one another."""
