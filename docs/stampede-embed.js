// Sizes every embedded Stampede to its content: each embed posts
// {type: "stampede:resize", height} to this page (docs/embedding.md, "Sizing").
addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "stampede:resize" || typeof data.height !== "number") return;
  for (const frame of document.querySelectorAll("iframe")) {
    if (frame.contentWindow === event.source) {
      frame.style.height = `${Math.ceil(data.height)}px`;
    }
  }
});
