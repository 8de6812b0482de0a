/**
 * The README's "Cluster mode with compose" section, followed line by line without a Docker daemon: the
 * files it names exist, each command parses, the npm scripts and compose services it names exist, the image
 * carries what its commands run, and the compose file passes `docker-compose config` when that is installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The section of README.md under this heading, up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}"`);
  const level = /^#+/.exec(heading)?.[0] ?? '#';
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

const cluster = section(read('README.md'), '### Cluster mode with compose');
const commands = (/```sh\n([\s\S]*?)```/.exec(cluster)?.[1] ?? '').split('\n').filter((l) => l.trim() !== '');

/** The services compose.yaml defines: the keys indented two spaces under `services:`. */
function composeServices(): string[] {
  const yaml = read('compose.yaml');
  const block = yaml.slice(yaml.indexOf('\nservices:\n') + 1).split(/\n(?=\S)/)[0] ?? '';
  return [...block.matchAll(/^ {2}([a-z][\w-]*):\s*$/gm)].map((m) => m[1] as string);
}

const docker = (args: string[]) =>
  spawnSync('docker-compose', args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      SCAN_HASH_SECRET: 'x'.repeat(64),
      PUBLIC_BASE_URL: 'https://verify.example.gov.cn',
    },
  });
const hasDockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

describe("README's cluster section", () => {
  test('when the section is read, then it gives the commands of a scaled start, and every file it names exists', () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
    expect(commands.some((c) => /docker compose up\b.*--scale app=\d+/.test(c))).toBe(true);
    // Paths in backticks, and the files commands read: each exists, unless a command of the section makes it.
    const named = [...cluster.matchAll(/`([\w./-]+\.(?:ya?ml|conf|ts|json))`/g)].map((m) => m[1] as string);
    const made = commands.flatMap((c) => [...c.matchAll(/>\s*(\S+)/g)].map((m) => m[1] as string));
    expect(named).toEqual(expect.arrayContaining(['compose.yaml', 'deploy/nginx.conf']));
    for (const file of named.filter((f) => !made.includes(f))) {
      expect({ file, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ file, exists: true });
    }
    for (const file of made) {
      expect({
        file,
        folderMadeFirst: commands.some((c) => c.includes(`mkdir -p ${path.dirname(file)}`)),
      }).toEqual({
        file,
        folderMadeFirst: true,
      });
    }
  });

  test.each(commands)(
    'when the command `%s` is checked, then it parses and names only npm scripts and services that exist',
    (command) => {
      const parsed = spawnSync('bash', ['-n', '-c', command], { encoding: 'utf8' });
      expect({ command, stderr: parsed.stderr }).toEqual({ command, stderr: '' });
      const scripts = Object.keys(
        (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts,
      );
      for (const [, name] of command.matchAll(/npm run (?:-s )?([\w:-]+)/g)) {
        expect({ command, script: name, exists: scripts.includes(name as string) }).toEqual({
          command,
          script: name,
          exists: true,
        });
      }
      const services = composeServices();
      for (const [, name] of command.matchAll(
        /docker compose (?:build|exec(?: -T)?|run(?: --rm)?) ([\w-]+)/g,
      )) {
        expect({ command, service: name, exists: services.includes(name as string) }).toEqual({
          command,
          service: name,
          exists: true,
        });
      }
      for (const [, name] of command.matchAll(/--scale ([\w-]+)=/g)) expect(services).toContain(name);
      // `docker run IMAGE`: the tag compose.yaml gives the app image.
      for (const [, image] of command.matchAll(/docker run (?:--rm )?([\w.-]+)(?=\s)/g)) {
        expect(read('compose.yaml')).toMatch(new RegExp(`image: ${image}(:latest)?\\n`));
      }
    },
  );

  test('when the image is built, then it carries the operator scripts and what they import, and checks /readyz', () => {
    const dockerfile = read('Dockerfile');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    for (const copied of ['scripts ./scripts', 'server ./server', 'package.json tsconfig.json ./']) {
      expect(runtime).toContain(copied);
    }
    expect(runtime).toMatch(/HEALTHCHECK[^\n]*\/readyz/);
    // tsx runs the scripts in the image: it must survive `npm prune --omit=dev`.
    expect(
      Object.keys((JSON.parse(read('package.json')) as { dependencies: object }).dependencies),
    ).toContain('tsx');
  });

  test('when compose.yaml is read, then only the proxy publishes a port, MongoDB is healthy only as writable primary, and the app is healthy on /readyz', () => {
    const services = composeServices();
    expect(services).toEqual(expect.arrayContaining(['proxy', 'app', 'mongo', 'mongo-init', 'redis']));
    const yaml = read('compose.yaml');
    const block = (name: string) =>
      yaml.split(new RegExp(`\\n {2}${name}:\\n`))[1]?.split(/\n {2}[a-z][\w-]*:\n/)[0] ?? '';
    expect(block('app')).not.toMatch(/\n {4}ports:/);
    expect(block('proxy')).toMatch(/\n {4}ports:/);
    expect(block('app')).toContain('/readyz');
    expect(block('mongo')).toContain('quit(db.hello().isWritablePrimary ? 0 : 1)');
    expect(block('mongo-init')).toContain('rs.initiate');
  });

  const withDockerCompose = hasDockerCompose ? test : test.skip;
  if (!hasDockerCompose) {
    console.warn(
      'compose config check SKIPPED: docker-compose is not installed (Debian: apt-get install -y docker-compose; no daemon needed).',
    );
  }
  withDockerCompose(
    'when docker-compose reads compose.yaml, then `config -q` passes and names the same services',
    () => {
      const config = docker(['-f', 'compose.yaml', 'config', '-q']);
      expect({ status: config.status, stderr: config.stderr }).toEqual({ status: 0, stderr: '' });
      const listed = docker(['-f', 'compose.yaml', 'config', '--services']);
      expect(listed.stdout.trim().split('\n').sort()).toEqual(composeServices().sort());
    },
  );
});
