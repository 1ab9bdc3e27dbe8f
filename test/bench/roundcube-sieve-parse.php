<?php
// Times Roundcube's managesieve parser (rcube_sieve_script, from Debian's
// roundcube-plugins) on one Sieve file, for test/bench/sieve-parse.ts.
// Usage: php roundcube-sieve-parse.php CLASS_FILE SCRIPT_FILE REPS
// Prints one JSON line: {"ms": [wall ms per run], "cpuMs": [CPU ms per run], "rules": N}.
[$self, $classFile, $scriptFile, $reps] = $argv;
require $classFile;
$text = file_get_contents($scriptFile);

function cpu_ms(): float
{
    $u = getrusage();
    return ($u['ru_utime.tv_sec'] + $u['ru_stime.tv_sec']) * 1e3 + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) / 1e3;
}

$times = [];
$cpu = [];
$rules = 0;
for ($i = 0; $i < (int) $reps; $i++) {
    $c0 = cpu_ms();
    $t0 = hrtime(true);
    $script = new rcube_sieve_script($text);
    $times[] = (hrtime(true) - $t0) / 1e6;
    $cpu[] = cpu_ms() - $c0;
    $rules = $script->size();
    unset($script);
}
echo json_encode(['ms' => $times, 'cpuMs' => $cpu, 'rules' => $rules]), "\n";
