/// The one script, served at `/ui/static/keel.js`: small conveniences only; every page works
/// without it (forms are plain GET forms).
enum Script {
    static let javascript = """
        "use strict";
        // Compare: the button names how many runs are ticked and is enabled for 2 to 10.
        document.addEventListener("DOMContentLoaded", () => {
          const form = document.getElementById("compare-form");
          if (!form) return;
          const button = form.querySelector("button[data-compare]");
          const boxes = () => Array.from(form.querySelectorAll("input[name=runs]"));
          const update = () => {
            const ticked = boxes().filter((box) => box.checked).length;
            button.disabled = ticked < 2 || ticked > 10;
            button.textContent = ticked ? `Compare ${ticked} runs` : "Compare runs";
          };
          form.addEventListener("change", update);
          const all = document.getElementById("select-all");
          if (all) all.addEventListener("change", () => {
            boxes().slice(0, 10).forEach((box) => { box.checked = all.checked; });
            update();
          });
          update();
        });
        """
}
