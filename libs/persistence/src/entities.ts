import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Every table lives in the `ferry` schema and is scoped by migration id. */
const schema = 'ferry';

@Entity({ name: 'migration', schema })
export class MigrationEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @Column({ name: 'source_system', type: 'text' }) sourceSystem!: string;
  @Column({ type: 'text' }) destination!: string;
  @Column({ name: 'map_version', type: 'text', nullable: true }) mapVersion!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'cutover_requested_at', type: 'timestamptz', nullable: true }) cutoverRequestedAt!: Date | null;
  @Column({ name: 'cutover_completed_at', type: 'timestamptz', nullable: true }) cutoverCompletedAt!: Date | null;
}

@Entity({ name: 'extract_checkpoint', schema })
export class ExtractCheckpointEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) stream!: string;
  @Column({ type: 'text' }) fingerprint!: string;
  @Column({ name: 'next_line', type: 'bigint' }) nextLine!: string;
  @Column({ type: 'boolean', default: false }) complete!: boolean;
  /** the connector's own resume state (StreamState) */
  @Column({ type: 'jsonb', nullable: true }) state!: Record<string, unknown> | null;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

/** The last content hash seen per source record: a new export drop emits only what changed or disappeared. */
@Entity({ name: 'source_record', schema })
export class SourceRecordEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) stream!: string;
  @PrimaryColumn({ name: 'source_key', type: 'text' }) sourceKey!: string;
  @Column({ name: 'content_hash', type: 'text' }) contentHash!: string;
  /** the export version (file fingerprint) or API pass that last carried the record */
  @Column({ type: 'text' }) version!: string;
  @Column({ type: 'boolean', default: false }) deleted!: boolean;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

/** A confirmed (or draft) version of a migration's map document. */
@Entity({ name: 'map_version', schema })
export class MapVersionEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'integer' }) version!: number;
  @Column({ type: 'text' }) route!: string;
  @Column({ type: 'text' }) hash!: string;
  @Column({ type: 'jsonb' }) document!: unknown;
  @Column({ name: 'source_text', type: 'text' }) sourceText!: string;
  @Column({ type: 'text' }) origin!: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true }) confirmedAt!: Date | null;
  @Column({ name: 'confirmed_by', type: 'text', nullable: true }) confirmedBy!: string | null;
}

@Entity({ name: 'id_map', schema })
export class IdMapEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'target_key', type: 'text' }) targetKey!: string;
  @Column({ name: 'destination_id', type: 'text', nullable: true }) destinationId!: string | null;
  /** 'loaded' or 'failed': a failed parent releases its waiting children as rejects */
  @Column({ type: 'text' }) state!: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

@Entity({ name: 'parked_record', schema })
export class ParkedRecordEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'target_key', type: 'text' }) targetKey!: string;
  /** the event as JSON, or null when it is kept as Avro bytes */
  @Column({ type: 'jsonb', nullable: true }) event!: unknown;
  @Column({ name: 'event_wire', type: 'bytea', nullable: true }) eventWire!: Buffer | null;
  @Column({ name: 'parked_at', type: 'timestamptz', default: () => 'now()' }) parkedAt!: Date;
  /** set when a claim released it; the row goes once the record was sent on */
  @Column({ name: 'released_at', type: 'timestamptz', nullable: true }) releasedAt!: Date | null;
}

@Entity({ name: 'parked_dependency', schema })
@Index('parked_dependency_parent', ['migrationId', 'parentEntity', 'parentKey'])
export class ParkedDependencyEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'target_key', type: 'text' }) targetKey!: string;
  /** the lookup column: any one candidate of a slot landing satisfies it */
  @PrimaryColumn({ type: 'text' }) slot!: string;
  @PrimaryColumn({ name: 'parent_entity', type: 'text' }) parentEntity!: string;
  @PrimaryColumn({ name: 'parent_key', type: 'text' }) parentKey!: string;
}

@Entity({ name: 'owner_assignment', schema })
export class OwnerAssignmentEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'target_key', type: 'text' }) targetKey!: string;
  /** owner as the source knows it; '' when the record had none */
  @Column({ name: 'source_email', type: 'text' }) sourceEmail!: string;
  @Column({ name: 'system_user_id', type: 'text' }) systemUserId!: string;
  /** matched | disabled | unmatched | missing */
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

@Entity({ name: 'audit_log', schema })
@Index('audit_log_record', ['migrationId', 'entity', 'destinationId'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @Column({ type: 'text' }) run!: string;
  @Column({ type: 'text' }) entity!: string;
  @Column({ name: 'alternate_key', type: 'text' }) alternateKey!: string;
  @Column({ name: 'destination_id', type: 'text' }) destinationId!: string;
  /** created | updated | deleted */
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'before_image', type: 'jsonb', nullable: true }) beforeImage!: unknown;
  @Column({ name: 'written_at', type: 'timestamptz', default: () => 'now()' }) writtenAt!: Date;
  /** set once `ferry rollback` has put the record back */
  @Column({ name: 'rolled_back_at', type: 'timestamptz', nullable: true }) rolledBackAt!: Date | null;
}

@Entity({ name: 'recon_record', schema })
export class ReconRecordEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ name: 'object_type', type: 'text' }) objectType!: string;
  @PrimaryColumn({ name: 'source_key', type: 'text' }) sourceKey!: string;
  @Column({ name: 'extracted_at', type: 'timestamptz', nullable: true }) extractedAt!: Date | null;
  @Column({ name: 'transformed_at', type: 'timestamptz', nullable: true }) transformedAt!: Date | null;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt!: Date | null;
  @Column({ name: 'loaded_at', type: 'timestamptz', nullable: true }) loadedAt!: Date | null;
  @Column({ name: 'rejected_at', type: 'timestamptz', nullable: true }) rejectedAt!: Date | null;
  @Column({ name: 'rejected_phase', type: 'text', nullable: true }) rejectedPhase!: string | null;
  @Column({ name: 'rejected_reason', type: 'text', nullable: true }) rejectedReason!: string | null;
}

/** Destination records by entity and destination key, phase by phase. */
@Entity({ name: 'recon_target', schema })
export class ReconTargetEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'target_key', type: 'text' }) targetKey!: string;
  @Column({ name: 'transformed_at', type: 'timestamptz', nullable: true }) transformedAt!: Date | null;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt!: Date | null;
  @Column({ name: 'loaded_at', type: 'timestamptz', nullable: true }) loadedAt!: Date | null;
  @Column({ name: 'rejected_at', type: 'timestamptz', nullable: true }) rejectedAt!: Date | null;
  @Column({ name: 'rejected_phase', type: 'text', nullable: true }) rejectedPhase!: string | null;
  @Column({ name: 'rejected_reason', type: 'text', nullable: true }) rejectedReason!: string | null;
}

@Entity({ name: 'quality_issue', schema })
export class QualityIssueEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ name: 'object_type', type: 'text' }) objectType!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'column_name', type: 'text' }) columnName!: string;
  @PrimaryColumn({ type: 'text' }) kind!: string;
  @Column({ type: 'bigint' }) occurrences!: string;
  @Column({ name: 'example_key', type: 'text', nullable: true }) exampleKey!: string | null;
  @Column({ name: 'example_value', type: 'text', nullable: true }) exampleValue!: string | null;
  @Column({ type: 'text', nullable: true }) detail!: string | null;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

@Entity({ name: 'quality_issue_record', schema })
export class QualityIssueRecordEntity {
  @PrimaryColumn({ name: 'migration_id', type: 'text' }) migrationId!: string;
  @PrimaryColumn({ name: 'object_type', type: 'text' }) objectType!: string;
  @PrimaryColumn({ type: 'text' }) entity!: string;
  @PrimaryColumn({ name: 'column_name', type: 'text' }) columnName!: string;
  @PrimaryColumn({ type: 'text' }) kind!: string;
  @PrimaryColumn({ name: 'record_key', type: 'text' }) recordKey!: string;
}

export const ENTITIES = [
  QualityIssueEntity,
  QualityIssueRecordEntity,
  MapVersionEntity,
  ReconTargetEntity,
  MigrationEntity,
  ExtractCheckpointEntity,
  SourceRecordEntity,
  IdMapEntity,
  ParkedRecordEntity,
  ParkedDependencyEntity,
  OwnerAssignmentEntity,
  AuditLogEntity,
  ReconRecordEntity,
];
