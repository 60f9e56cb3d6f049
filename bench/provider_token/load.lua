-- wrk script of bench/provider_token: one request shape per run, and a machine-readable
-- summary at the end.
--
--   wrk -s load.lua <url> -- GET
--   wrk -s load.lua <url> -- POST <form body> <value of the Authorization header>
--
-- done() prints one line "BENCH_RESULT {json}" with the request count, the duration, the
-- errors wrk counted (connect, read, write, timeout, and status: answers of 400 and above)
-- and the latency percentiles in microseconds.

function init(args)
   wrk.method = args[1] or "GET"
   if args[2] ~= nil and args[2] ~= "" then
      wrk.body = args[2]
      wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   end
   if args[3] ~= nil and args[3] ~= "" then
      wrk.headers["Authorization"] = args[3]
   end
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      "BENCH_RESULT {\"requests\": %d, \"duration_us\": %d, \"connect_errors\": %d, "
         .. "\"read_errors\": %d, \"write_errors\": %d, \"timeouts\": %d, \"status_errors\": %d, "
         .. "\"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
      summary.requests, summary.duration, errors.connect, errors.read, errors.write,
      errors.timeout, errors.status, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end
