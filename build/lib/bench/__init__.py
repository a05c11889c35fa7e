"""Load benchmarks that drive real servers (may import Streamlit; the domain never does)."""
