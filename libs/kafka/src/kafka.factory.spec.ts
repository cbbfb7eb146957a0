import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { brokerUnreachable } from './kafka.factory';

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
