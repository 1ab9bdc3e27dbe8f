<?php
// Times Roundcube's managesieve parser (rcube_sieve_script, from Debian's
// roundcube-plugins) on one Sieve file, for test/bench/sieve-parse.ts.
// Usage: php roundcube-sieve-parse.php CLASS_FILE SCRIPT_FILE REPS
// Prints one JSON line: {"ms": [per-run wall times], "rules": N}.
[$self, $classFile, $scriptFile, $reps] = $argv;
require $classFile;
$text = file_get_contents($scriptFile);
$times = [];
$rules = 0;
for ($i = 0; $i < (int) $reps; $i++) {
    $t0 = hrtime(true);
    $script = new rcube_sieve_script($text);
    $times[] = (hrtime(true) - $t0) / 1e6;
    $rules = $script->size();
    unset($script);
}
echo json_encode(['ms' => $times, 'rules' => $rules]), "\n";
