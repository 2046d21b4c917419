"""The playground's entrypoint: page routing and the shared sidebar.

streamlit run streamlit_app.py
"""

import streamlit as st

import ui
from attention.runtime import keep_freed_memory

keep_freed_memory()  # attention maps are big, short-lived tensors: reuse their memory (see the module)
# Visitors never see a traceback, even where a host overrides .streamlit/config.toml (Community Cloud
# does); the server log keeps it. The same value on every run.
st.set_option("client.showErrorDetails", "none")
# A prepared link for a talk (?present=1) opens with the sidebar folded away.
sidebar = "collapsed" if st.query_params.get(ui.PRESENT_KEY) == "1" else "auto"
st.set_page_config(
    page_title="Attention playground", page_icon="🔍", layout="wide", initial_sidebar_state=sidebar
)

tr = ui.language_picker()
ui.presenter_switch(tr)
pages = [
    st.Page("app_pages/toy.py", title=tr("nav.toy"), icon="🧮", url_path="toy", default=True),
    st.Page("app_pages/gpt2.py", title=tr("nav.gpt2"), icon="🔬", url_path="gpt2"),
    st.Page("app_pages/heads.py", title=tr("nav.heads"), icon="🧠", url_path="heads"),
    st.Page("app_pages/flow.py", title=tr("nav.flow"), icon="🔀", url_path="flow"),
]
navigation = st.navigation(pages)
st.sidebar.caption(tr("sidebar.about"))
try:
    navigation.run()
finally:  # also after st.stop(): a page that cannot show its model still keeps its link
    ui.flush_link()
