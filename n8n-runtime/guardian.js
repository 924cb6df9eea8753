/**
 * `node guardian.js <pid> <command> [args...]`: runs the command (n8n) and ends it once process
 * <pid> (the test run that started it) is gone, even when that process died without a chance to
 * stop it (killed, crashed, interrupted). Plain JavaScript, so the Node 24 binary runs it as is.
 *
 * The harness starts the guardian as the leader of a new process group, which n8n and its task
 * runner join: a signal to the group reaches n8n directly, and the guardian, which ignores it,
 * waits for n8n to finish and exits with n8n's exit code.
 */
const { spawn } = require('child_process');

const [parentPid, command, ...args] = process.argv.slice(2);
const CHECK_INTERVAL_MS = 1000;
const KILL_AFTER_MS = 30_000;

const child = spawn(command, args, { stdio: 'inherit' });

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => {});

function parentIsAlive() {
	try {
		process.kill(Number(parentPid), 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

const watch = setInterval(() => {
	if (parentIsAlive()) return;
	clearInterval(watch);
	process.kill(-process.pid, 'SIGTERM');
	setTimeout(() => process.kill(-process.pid, 'SIGKILL'), KILL_AFTER_MS).unref();
}, CHECK_INTERVAL_MS);

child.on('error', (error) => {
	console.error(`guardian: could not start ${command}: ${error.message}`);
	process.exit(1);
});

child.on('exit', (code, signal) => {
	clearInterval(watch);
	if (signal) console.error(`guardian: n8n was ended by ${signal}`);
	process.exit(code ?? 1);
});
