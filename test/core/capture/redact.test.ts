import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretFile, isSecretName, REDACTED, redactCommand, redactEntries, redactLine } from '../../../src/core/capture/redact';

describe('secret redaction', () => {
  it('tells secret names from ordinary hyperparameters', () => {
    for (const name of ['password', 'db-password', 'DB_PASSWORD', 'api-key', 'apiKey', 'OPENAI_API_KEY', 'hf_token', 'secret', 'aws.secret_key', 'credentials', 'auth']) {
      assert.equal(isSecretName(name), true, name);
    }
    for (const name of ['max_tokens', 'tokenizer', 'author', 'session_len', 'lr', 'keyframes', 'num_secret_layers']) {
      assert.equal(isSecretName(name), false, name);
    }
  });

  it('redacts option values, assignments, key-looking values and URL passwords; keeps the rest', () => {
    assert.deepEqual(redactCommand(['python3', 'train.py', '--password', 'hunter2', '--api-key=sk-abcdefghijklmnop123', '--lr', '0.1',
      '--db', 'postgres://alice:p4ss@db.example.com:5432/ml', 'db.password=swordfish', '--token', '--epochs', '3', 'sk-proj-ABCDEFGHIJKLMNOP']),
    ['python3', 'train.py', '--password', REDACTED, `--api-key=${REDACTED}`, '--lr', '0.1',
      '--db', `postgres://alice:${REDACTED}@db.example.com:5432/ml`, `db.password=${REDACTED}`, '--token', '--epochs', '3', REDACTED]);
    assert.deepEqual(redactEntries({ token: 'abc', lr: 0.1, url: 'https://u:pw@host/x', note: 'plain' }),
      { token: REDACTED, lr: 0.1, url: `https://u:${REDACTED}@host/x`, note: 'plain' });
  });

  it('redacts secrets in a changed line and leaves code valid', () => {
    assert.equal(redactLine('OPENAI_API_KEY=sk-abcdefghijklmnop123'), `OPENAI_API_KEY=${REDACTED}`);
    assert.equal(redactLine('export DB_PASSWORD=hunter2'), `export DB_PASSWORD=${REDACTED}`);
    assert.equal(redactLine('password: hunter2'), `password: ${REDACTED}`);
    assert.equal(redactLine('API_KEY = "live-123456"  # from the dashboard'), `API_KEY = "${REDACTED}"  # from the dashboard`);
    assert.equal(redactLine('{"token": "abc123", "lr": 0.1}'), `{"token": "${REDACTED}", "lr": 0.1}`);
    assert.equal(redactLine('client = Client(key="sk-abcdefghijklmnop123")'), `client = Client(key="${REDACTED}")`);
    assert.equal(redactLine('token = os.environ["HF_TOKEN"]'), 'token = os.environ["HF_TOKEN"]');
    assert.equal(redactLine('max_tokens = 512'), 'max_tokens = 512');
  });

  it('recognises files that usually hold secrets', () => {
    for (const f of ['.env', '.env.local', 'config/prod.env', 'secrets.yaml', 'secret.json', 'credentials', 'certs/server.pem', 'id_ed25519']) {
      assert.equal(isSecretFile(f), true, f);
    }
    for (const f of ['.env.example', 'env.py', 'train.py', 'secrets_test_plan.md']) assert.equal(isSecretFile(f), false, f);
  });
});
