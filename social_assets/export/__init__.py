"""The social graph as files for Gephi and friends: GraphML, GEXF and a PNG picture.

``tables`` reads the marts, ``graph`` builds the networkx graph, ``community`` labels its
communities, ``files`` and ``picture`` write it, ``connection`` opens the warehouse and ``asset``
is the Dagster asset that ties them together. The privacy-safe export for sharing: ``pseudonym``
(keyed HMAC pseudonyms under ``$SOCIAL_EXPORT_SALT``), ``private`` (what each attribute becomes),
``private_tables`` (the Parquet node and edge lists) and ``private_asset``.
"""
