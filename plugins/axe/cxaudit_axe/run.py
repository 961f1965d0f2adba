"""Running axe-core in the current document.

The run returns only the fields the plugin reads (rule id, impact, tags,
help texts and each node's target and HTML). axe-core's full results also
carry every check's message and related nodes: on the W3C before-and-after
demo pages they are about ten times the size (119 KB instead of 11 KB for
the home page), which the browser would serialise and chromedriver and
Selenium would parse for nothing.

The run first checks that the document runs the bundled axe-core, which the
scan's browsers evaluate in every page (cxaudit_axe.preload). When it does
not (a page replaced ``window.axe``, or the WebDriver runs no scripts for
new documents), the script is sent and the run repeated. The check travels
with the run, so the usual page costs one command, not two.
"""

from __future__ import annotations

from typing import Any

from selenium.common.exceptions import JavascriptException

from cxaudit_axe.bundle import axe_source, bundled_axe_version

# A rejected run is reported as an error, instead of leaving the command to
# wait for the script timeout.
RUN_AXE = """
(function (options, version, done) {
  if (!(window.axe && window.axe.version === version)) {
    done({missing: true});
    return;
  }
  const summary = rule => ({
    id: rule.id,
    impact: rule.impact,
    tags: rule.tags,
    help: rule.help,
    helpUrl: rule.helpUrl,
    nodes: rule.nodes.map(node => ({target: node.target, html: node.html}))
  });
  window.axe.run(document, options).then(
    results => done({violations: results.violations.map(summary), incomplete: results.incomplete.map(summary)}),
    error => done({error: String(error && error.stack || error)})
  );
})(arguments[0], arguments[1], arguments[arguments.length - 1]);
"""


class AxeRunFailed(JavascriptException):
    """axe-core rejected its run; the message is axe-core's error."""


def run_axe(driver: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Run the bundled axe-core in the current document with ``options`` and return its summarised results.

    :raises AxeRunFailed: when axe-core rejects the run.
    """
    version = bundled_axe_version()
    results = driver.execute_async_script(RUN_AXE, options, version) or {}
    if results.get("missing"):
        driver.execute_script(axe_source())
        results = driver.execute_async_script(RUN_AXE, options, version) or {}
    if "error" in results:
        raise AxeRunFailed(results["error"])
    return results
