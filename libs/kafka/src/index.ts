export * from './kafka.factory';
export * from './topic-admin';
export * from './avro.codec';
export * from './record.producer';
export * from './batch.consumer';
export * from './control.channel';
export * from './producer.thread';
