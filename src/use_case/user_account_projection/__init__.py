"""The read-model projection: journal events folded into the rows the Query API reads."""
