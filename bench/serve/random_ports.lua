-- wrk: a Port Authority page of a random port 0-65535 per request (most pages rendered fresh,
-- until the server's page cache holds them). scripts/bench_serve.sh.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/port/" .. math.random(0, 65535))
end
