"""Content reveal.js would render from templates: Markdown sections and code kept in templates."""

from __future__ import annotations

from slidegen.deck import parse_deck_html

DECK = """<div class="reveal"><div class="slides">
<section data-markdown>
  <script type="text/template">
    ## Markdown *here*

    | a | b |
    |---|---|
    | 1 | 2 |

    ```js
    run();
    ```
  </script>
</section>
<section><pre><code data-trim><script type="text/template">
  if (a < b) { show("<div>"); }
</script></code></pre></section>
<section data-markdown="external.md"></section>
</div></div>"""


def test_markdown_sections_and_code_templates_become_slide_content() -> None:
    markdown, code, external = parse_deck_html(DECK).slides
    assert markdown.title == "Markdown here"
    assert "<em>here</em>" in markdown.html and "<table>" in markdown.html
    assert '<code class="language-js">run();' in markdown.html
    assert "<script" not in markdown.html
    assert 'if (a &lt; b) { show("&lt;div&gt;"); }' in code.html
    assert code.scripts == () and "<script" not in code.html
    assert "<h2" not in external.html  # external Markdown cannot be fetched
