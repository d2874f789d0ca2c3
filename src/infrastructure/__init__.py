"""Technical helpers with no business words: settings, logging, clocks, ids, clients, pools."""
