import { promises as fs, readFileSync } from 'fs';
import path from 'path';
import { setTimeout as sleep } from 'timers/promises';

import { GuardedProcess, type TreeUsage } from './guarded';
import { RuntimeStepError, runStep } from './run';

/**
 * PostgreSQL for n8n's queue mode, from the machine's own install (Debian's `postgresql`, which
 * scripts/setup installs when neither PATH nor /usr/lib/postgresql has one): a cluster in a folder
 * of ours, listening on a loopback TCP port only, the `postgres` role trusted without a password.
 *
 * Postgres refuses to run as root. When the runtime runs as root, every Postgres program runs as
 * the system user `postgres` (which Debian's package creates): initdb through spawn's uid/gid,
 * the server through `setpriv`, so the guardian and its process group stay ours to signal. The
 * data folder is handed to that user; the folders above it need only be traversable.
 */

const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 250;
export const POSTGRES_ROLE = 'postgres';
export const N8N_DATABASE = 'n8n';

export interface PostgresInstall {
	/** The folder holding postgres, initdb, psql and pg_isready. */
	binDir: string;
	/** "15" */
	majorVersion: string;
}

/** The system account Postgres runs as when we are root; undefined when we are not root. */
interface Account {
	name: string;
	uid: number;
	gid: number;
}

async function executableIn(folder: string, name: string): Promise<boolean> {
	return await fs.access(path.join(folder, name), fs.constants.X_OK).then(
		() => true,
		() => false,
	);
}

/**
 * The server binaries on PATH (following a symlink such as /usr/local/bin/postgres to its own
 * folder, where psql sits beside it), else the newest /usr/lib/postgresql/<version>/bin.
 */
export async function findPostgres(): Promise<PostgresInstall | undefined> {
	const candidates: string[] = [];
	for (const folder of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
		if (await executableIn(folder, 'postgres'))
			candidates.push(path.dirname(await fs.realpath(path.join(folder, 'postgres'))));
	}
	const debian = '/usr/lib/postgresql';
	const versions = (await fs.readdir(debian).catch(() => [] as string[]))
		.filter((name) => /^\d+$/.test(name))
		.sort((a, b) => Number(b) - Number(a));
	candidates.push(...versions.map((version) => path.join(debian, version, 'bin')));
	for (const binDir of candidates) {
		const tools = ['postgres', 'initdb', 'psql', 'pg_isready'];
		if (!(await Promise.all(tools.map((tool) => executableIn(binDir, tool)))).every(Boolean))
			continue;
		const version = await runStep(
			'checking Postgres (postgres --version)',
			path.join(binDir, 'postgres'),
			['--version'],
		);
		const majorVersion = /\(PostgreSQL\) (\d+)/.exec(version)?.[1];
		if (majorVersion) return { binDir, majorVersion };
	}
	return undefined;
}

export async function requirePostgres(): Promise<PostgresInstall> {
	const install = await findPostgres();
	if (!install)
		throw new RuntimeStepError(
			'finding PostgreSQL for queue mode',
			'no postgres, initdb, psql and pg_isready on PATH or in /usr/lib/postgresql/*/bin. ' +
				"Run scripts/setup: it installs Debian's postgresql",
		);
	return install;
}

function serverAccount(): Account | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${POSTGRES_ROLE}:`));
	if (!line)
		throw new RuntimeStepError(
			'choosing the user Postgres runs as',
			`Postgres refuses to run as root and there is no "${POSTGRES_ROLE}" user to run it as (Debian's postgresql package creates one)`,
		);
	const [name, , uid, gid] = line.split(':');
	return { name, uid: Number(uid), gid: Number(gid) };
}

/** Hands a folder to the account Postgres runs as (a no-op when we are not root). */
async function handOver(folder: string, account: Account | undefined): Promise<void> {
	if (!account) return;
	await runStep(`handing ${folder} to the ${account.name} user`, 'chown', [
		'-R',
		`${account.uid}:${account.gid}`,
		folder,
	]);
}

/** Creates an empty database cluster in `dataDir` (which must not exist yet). */
export async function initCluster(
	install: PostgresInstall,
	dataDir: string,
	signal?: AbortSignal,
): Promise<void> {
	const account = serverAccount();
	await fs.mkdir(dataDir, { mode: 0o700 });
	await handOver(dataDir, account);
	await runStep(
		'creating a Postgres cluster (initdb)',
		path.join(install.binDir, 'initdb'),
		[
			'-D',
			dataDir,
			'-U',
			POSTGRES_ROLE,
			'--auth=trust',
			'--encoding=UTF8',
			'--locale=C',
			// A throwaway cluster: a crash mid-initdb is simply redone.
			'--no-sync',
		],
		{ cwd: dataDir, signal, ...(account ? { uid: account.uid, gid: account.gid } : {}) },
	);
}

/** Copies a stopped cluster (the template) to `dataDir`, keeping its owner and modes. */
export async function copyCluster(
	from: string,
	dataDir: string,
	signal?: AbortSignal,
): Promise<void> {
	await runStep('copying the Postgres template cluster', 'cp', ['-a', from, dataDir], { signal });
	if (process.getuid?.() !== 0) return;
	// A template made by another user, or copied in from elsewhere, still goes to the server's user.
	await handOver(dataDir, serverAccount());
}

export class PostgresServer {
	private readonly process: GuardedProcess;

	constructor(
		readonly install: PostgresInstall,
		readonly dataDir: string,
		readonly port: number,
		logFile: string,
	) {
		this.process = new GuardedProcess('Postgres', logFile);
	}

	describe(): string {
		const group = this.process.groupId ? ` (process group ${this.process.groupId})` : '';
		return `Postgres ${this.install.majorVersion} on port ${this.port}${group}`;
	}

	/** What n8n needs to use this server's `n8n` database (n8n 2.40's @n8n/config DatabaseConfig). */
	n8nEnvironment(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: N8N_DATABASE,
			DB_POSTGRESDB_USER: POSTGRES_ROLE,
		};
	}

	async start(signal?: AbortSignal): Promise<void> {
		const account = serverAccount();
		const server = path.join(this.install.binDir, 'postgres');
		const args = [
			'-D',
			this.dataDir,
			'-p',
			String(this.port),
			'-c',
			'listen_addresses=127.0.0.1',
			// TCP only: no socket file in a folder the server's user may not write.
			'-c',
			'unix_socket_directories=',
		];
		const [command, commandArgs] = account
			? [
					'setpriv',
					[
						`--reuid=${account.uid}`,
						`--regid=${account.gid}`,
						'--clear-groups',
						'--',
						server,
						...args,
					],
				]
			: [server, args];
		this.process.spawn(command, commandArgs, { cwd: this.dataDir, env: process.env });
		const deadline = Date.now() + READY_TIMEOUT_MS;
		for (;;) {
			if (!this.process.isRunning) throw this.startFailure(this.process.exitReason!);
			if (signal?.aborted) {
				await this.stop();
				throw signal.reason;
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw this.startFailure(`not accepting connections after ${READY_TIMEOUT_MS / 1000} s`);
			}
			const ready = await runStep('pg_isready', path.join(this.install.binDir, 'pg_isready'), [
				'-h',
				'127.0.0.1',
				'-p',
				String(this.port),
				'-q',
			]).then(
				() => true,
				() => false,
			);
			if (ready) return;
			await sleep(READY_POLL_MS, undefined, { signal }).catch(() => undefined);
		}
	}

	private startFailure(reason: string): RuntimeStepError {
		return new RuntimeStepError(
			`starting Postgres on port ${this.port}`,
			`${reason}. Last lines of its log:\n${this.process.logTail()}`,
		);
	}

	/** Runs SQL with psql and returns its unaligned output (rows on lines, fields split by `|`). */
	async query(sql: string, database = N8N_DATABASE): Promise<string> {
		const output = await runStep(
			`running SQL on Postgres: ${sql}`,
			path.join(this.install.binDir, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(this.port),
				'-U',
				POSTGRES_ROLE,
				'-d',
				database,
				'-v',
				'ON_ERROR_STOP=1',
				'-At',
				'-c',
				sql,
			],
		);
		return output.trim();
	}

	/** Fast shutdown (SIGINT): open sessions are ended, the cluster is left consistent. */
	async stop(): Promise<void> {
		await this.process.stop('SIGINT');
	}

	usage(): TreeUsage | undefined {
		return this.process.usage();
	}
}
