// Preloaded into a benchmarked child process (node --import): at exit, writes the whole process's
// CPU seconds (every thread, start-up included) as one JSON line to stderr.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\n{"processCpuSeconds": ${(u.user + u.system) / 1e6}}\n`);
});
