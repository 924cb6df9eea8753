/**
 * `gulp build`: compile the TypeScript that ships (tsconfig.build.json) into dist/, then copy what
 * n8n loads beside it: node and credential icons (light and dark SVGs), the nodes' codex files,
 * and the workflow templates.
 */
const { dest, parallel, series, src } = require('gulp');
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

function clean(done) {
	fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
	done();
}

function compile() {
	// The project's own TypeScript compiler, never a global one; gulp fails the build on a non-zero exit.
	return spawn(
		process.execPath,
		[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
		{
			cwd: __dirname,
			stdio: 'inherit',
		},
	);
}

function copyIcons() {
	return src(['nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function copyTemplates() {
	return src('workflows/*.json', { base: '.', allowEmpty: true }).pipe(dest('dist'));
}

exports.build = series(clean, compile, parallel(copyIcons, copyCodex, copyTemplates));
exports.default = exports.build;
