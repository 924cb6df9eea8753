/**
 * A jest reporter printing where the time went once the run is over: each project's total, each
 * test file's duration (slowest first), and for the e2e files the time their n8n starts took
 * (copying the user folder, building and installing the package, n8n until ready), which
 * n8nEnvironment.ts leaves in a folder this reporter names. Plain JavaScript: jest loads
 * reporters without transforming them.
 */
const { createHash } = require('crypto');
const { mkdtempSync, readFileSync, rmSync } = require('fs');
const os = require('os');
const path = require('path');

/** Also in runtimeHandle.ts. */
const STARTS_DIR_VARIABLE = 'VEO_PIPELINE_N8N_STARTS_DIR';

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

function sum(values) {
	return values.reduce((total, value) => total + value, 0);
}

/** "2 starts (user folder 0.8 s, package 14.3 s, n8n 36.2 s), 1 restart (9.1 s)" */
function describeStarts(starts) {
	const parts = [];
	const fresh = starts.filter((start) => start.kind === 'start');
	const restarts = starts.filter((start) => start.kind === 'restart');
	if (fresh.length) {
		const total = (field) => seconds(sum(fresh.map((start) => start[field])));
		parts.push(
			`${fresh.length} start${fresh.length > 1 ? 's' : ''} (user folder ${total('userFolderMs')}, ` +
				`package ${total('packageMs')}, n8n ${total('n8nStartMs')})`,
		);
	}
	if (restarts.length) {
		const total = seconds(sum(restarts.map((start) => start.n8nStartMs)));
		parts.push(`${restarts.length} restart${restarts.length > 1 ? 's' : ''} (${total})`);
	}
	return parts.join(', ');
}

class TimingReporter {
	constructor(globalConfig) {
		this.rootDir = globalConfig.rootDir;
		this.files = [];
		// Set before jest starts any test file (or worker), so every one of them sees it.
		this.startsDir = mkdtempSync(path.join(os.tmpdir(), 'veo-pipeline-n8n-starts-'));
		process.env[STARTS_DIR_VARIABLE] = this.startsDir;
	}

	startsOf(testPath) {
		const name = createHash('sha256').update(testPath).digest('hex').slice(0, 16);
		try {
			return JSON.parse(readFileSync(path.join(this.startsDir, `${name}.json`), 'utf8')).starts;
		} catch {
			return [];
		}
	}

	onTestFileResult(test, result) {
		this.files.push({
			file: path.relative(this.rootDir, result.testFilePath),
			project: test.context.config.displayName?.name ?? '',
			ms: result.perfStats.runtime ?? result.perfStats.end - result.perfStats.start,
			failed: result.numFailingTests > 0 || Boolean(result.testExecError),
			starts: this.startsOf(result.testFilePath),
		});
	}

	onRunComplete() {
		rmSync(this.startsDir, { recursive: true, force: true });
		if (!this.files.length) return;
		const lines = [`Where the time went: ${this.files.length} test files`];
		const projects = [...new Set(this.files.map((file) => file.project))];
		const byProject = projects
			.map((project) => {
				const files = this.files.filter((file) => file.project === project);
				return { project, count: files.length, ms: sum(files.map((file) => file.ms)) };
			})
			.sort((a, b) => b.ms - a.ms);
		const projectWidth = Math.max(7, ...projects.map((project) => project.length));
		for (const { project, count, ms } of byProject)
			lines.push(
				`  ${(project || '(none)').padEnd(projectWidth)}  ${seconds(ms).padStart(9)}  ${count} files`,
			);
		const starts = this.files.flatMap((file) => file.starts);
		if (starts.length) lines.push(`  n8n starts and restarts: ${describeStarts(starts)}`);

		lines.push('', '  Test files, slowest first:');
		const fileWidth = Math.max(...this.files.map((file) => file.file.length));
		for (const file of [...this.files].sort((a, b) => b.ms - a.ms)) {
			const starts = file.starts.length ? `  n8n: ${describeStarts(file.starts)}` : '';
			lines.push(
				(
					`  ${seconds(file.ms).padStart(9)}  ${file.project.padEnd(projectWidth)}  ` +
					`${file.file.padEnd(fileWidth)}${file.failed ? '  FAILED' : ''}${starts}`
				).trimEnd(),
			);
		}
		process.stderr.write(`\n${lines.join('\n')}\n\n`);
	}
}

module.exports = TimingReporter;
