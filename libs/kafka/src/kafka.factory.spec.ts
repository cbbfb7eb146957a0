import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { brokerUnreachable, kafkaClientConfig } from './kafka.factory';

describe('which errors say Kafka does not answer', () => {
  it("names the brokers for kafkajs' connection errors", () => {
    expect(brokerUnreachable(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), '127.0.0.1:9092')?.message).toMatch(/^Kafka at 127\.0\.0\.1:9092 does not answer/);
    expect(brokerUnreachable(new KafkaJSNumberOfRetriesExceeded(new Error('Connection timeout'), { retryCount: 8, retryTime: 10_000 }), 'b:9092')).not.toBeNull();
  });

  it('leaves a refused connection to anything else alone (a destination or sandbox not started)', () => {
    expect(brokerUnreachable(new Error('token request failed: http://127.0.0.1:18197/token: connect ECONNREFUSED 127.0.0.1:18197'), '127.0.0.1:9092')).toBeNull();
    expect(brokerUnreachable(new Error('some other failure'), '127.0.0.1:9092')).toBeNull();
  });
});

describe('the kafkajs client settings', () => {
  it('carry TLS and SASL when given, and nothing of the kind for a plain broker', () => {
    expect(kafkaClientConfig({ brokers: 'a:9092', clientId: 'x', security: {} })).not.toHaveProperty('ssl');
    const c = kafkaClientConfig({
      brokers: 'a:9093,b:9093', clientId: 'x',
      security: { ssl: { ca: 'PEM', rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } },
    });
    expect(c).toMatchObject({ brokers: ['a:9093', 'b:9093'], ssl: { ca: 'PEM', rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } });
  });

  it('say in one line that the brokers refused the sign-in, without the password', () => {
    const e = Object.assign(new Error('SASL SCRAM SHA256 authentication failed: invalid credentials'), { name: 'KafkaJSSASLAuthenticationError' });
    const f = brokerUnreachable(e, 'a:9093');
    expect(f?.code).toBe('KAFKA_AUTH_FAILED');
    expect(f?.message).toMatch(/^Kafka at a:9093 refused Ferry's SASL sign-in .*check KAFKA_SASL_MECHANISM/);
  });
});
