// Transcoding progress in the workspace: ask each unfinished job how far it is, and reload once all are done.
(function () {
  var jobs = Array.prototype.slice.call(document.querySelectorAll(".job[data-job]")).filter(function (job) {
    return job.dataset.state === "queued" || job.dataset.state === "running";
  });
  if (!jobs.length) { return; }
  function poll() {
    Promise.all(jobs.map(function (job) {
      return fetch(job.dataset.job, {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          if (!found) { return true; }
          job.querySelector("progress").value = found.progress || 0;
          job.querySelector(".job-label").textContent = found.message || found.label;
          return found.state === "done" || found.state === "failed";
        });
    })).then(function (finished) {
      if (finished.every(Boolean)) { window.location.reload(); } else { setTimeout(poll, 1500); }
    });
  }
  setTimeout(poll, 1500);
})();
