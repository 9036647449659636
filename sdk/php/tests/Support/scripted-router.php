<?php

// The router of ScriptedServer under `php -S`: the n-th request gets the n-th answer of
// $SCRIPT_DIR/script.json (the last one once the script runs out); each request is recorded in
// requests.jsonl, headers in lower case and the body exactly as received. An answer with
// `echoChallenge` answers the handshake: `{"challenge": …}` of the event received; with
// `verifyWith` a request whose signature that secret does not verify gets 400 and the reason.

declare(strict_types=1);

require __DIR__ . '/../../init.php';

$dir = getenv('SCRIPT_DIR');
$script = json_decode((string) file_get_contents("$dir/script.json"), true);

$log = fopen("$dir/requests.jsonl", 'ab');
flock($log, LOCK_EX);
$seen = is_file("$dir/count") ? (int) file_get_contents("$dir/count") : 0;
file_put_contents("$dir/count", (string) ($seen + 1));
$body = (string) file_get_contents('php://input');
fwrite($log, json_encode([
    'method' => $_SERVER['REQUEST_METHOD'],
    'path' => $_SERVER['REQUEST_URI'],
    'headers' => array_change_key_case(getallheaders(), CASE_LOWER),
    'body' => $body,
    'at' => microtime(true),
]) . "\n");
flock($log, LOCK_UN);
fclose($log);

$answer = $script[min($seen, count($script) - 1)];
if (isset($answer['verifyWith'])) {
    try {
        \Expe\Webhook::verify($body, getallheaders(), $answer['verifyWith']);
    } catch (\Expe\Exception\SignatureVerificationError $e) {
        http_response_code(400);
        header('Content-Type: text/plain');
        echo $e->getMessage();
        return;
    }
}
if (($answer['delay'] ?? 0) > 0) {
    usleep((int) ($answer['delay'] * 1_000_000));
}
http_response_code($answer['status'] ?? 200);
foreach ($answer['headers'] ?? ['Content-Type' => 'application/json'] as $name => $value) {
    header("$name: $value");
}
if ($answer['echoChallenge'] ?? false) {
    echo json_encode(['challenge' => json_decode($body, true)['data']['challenge'] ?? null]);
} else {
    echo $answer['body'] ?? '{}';
}
