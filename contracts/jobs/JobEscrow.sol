// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Escrow} from "../escrow/Escrow.sol";
import {Outcome, Split} from "../escrow/EscrowMath.sol";
import {StoaRegistry} from "../governance/StoaRegistry.sol";

/// @title JobEscrow
/// @notice Milestone escrow for jobs. The employer creates a job with its milestones (amount and
/// deadline each) and funds them one by one; the worker starts a funded milestone, works and
/// submits before its deadline; the employer approves (the worker is paid minus the protocol fee)
/// or either side disputes to the arbiter chosen at creation, who rules any split. A submission the
/// employer leaves unanswered for the review period can be claimed by the worker. Unfunded
/// milestones, funded ones the worker has not started, and started ones whose deadline passed
/// without a submission can be cancelled by the employer (funds back); the worker can step back
/// from a funded or started milestone (funds back too).
/// @dev Shares its escrow, fee, dispute and payout rules with the marketplace through `Escrow`.
/// Terms (fees, ruling and review periods) are snapshotted when the job is created.
contract JobEscrow is Escrow {
    /// @notice Most milestones one job may have.
    uint256 public constant MAX_MILESTONES = 50;

    /// @notice Where a milestone stands. Paid, Claimed, Ruled, Unruled and Cancelled are final (a
    /// cancelled funded milestone's refund is in its `MilestoneSettled` event).
    enum MilestoneStatus {
        None,
        Unfunded,
        Funded,
        Started,
        Submitted,
        Disputed,
        Paid,
        Claimed,
        Ruled,
        Unruled,
        Cancelled
    }

    /// @notice A job: parties, payment token, the off-chain job record and the snapshotted terms.
    /// @param reviewPeriod Seconds the employer has to approve or dispute a submission.
    struct Job {
        address employer;
        address worker;
        address arbiter;
        address token;
        bytes32 jobHash;
        uint16 protocolFeeBps;
        uint16 arbiterFeeBps;
        uint32 rulingPeriod;
        uint32 reviewPeriod;
    }

    /// @notice One milestone.
    /// @param amount Payment in the job's token (wei).
    /// @param deadline Last second (unix) for the worker to submit.
    /// @param since When it was submitted or disputed (unix seconds), 0 before.
    struct Milestone {
        uint128 amount;
        uint40 deadline;
        uint40 since;
        MilestoneStatus status;
    }

    /// @notice Number of jobs created; ids run from 1 to `jobCount`.
    uint256 public jobCount;
    mapping(uint256 jobId => Job) private _jobs;
    mapping(uint256 jobId => Milestone[]) private _milestones;

    /// @notice `employer` created job `jobId` with `worker`, judged by `arbiter`.
    event JobCreated(
        uint256 indexed jobId,
        address indexed employer,
        address indexed worker,
        Job job,
        Milestone[] milestones
    );
    /// @notice The employer funded milestone `index`.
    event MilestoneFunded(uint256 indexed jobId, uint256 indexed index, uint256 amount);
    /// @notice The worker started milestone `index`.
    event MilestoneStarted(uint256 indexed jobId, uint256 indexed index);
    /// @notice The worker submitted milestone `index`; the deliverable is at `deliverableCid`.
    event MilestoneSubmitted(uint256 indexed jobId, uint256 indexed index, string deliverableCid);
    /// @notice `by` disputed milestone `index`.
    event MilestoneDisputed(uint256 indexed jobId, uint256 indexed index, address indexed by);
    /// @notice `by` cancelled milestone `index` (its funds, if any, went back to the employer).
    event MilestoneCancelled(uint256 indexed jobId, uint256 indexed index, address indexed by);
    /// @notice Milestone `index` ended with `outcome`; `split` says who received what (payer is
    /// the employer, payee the worker).
    event MilestoneSettled(uint256 indexed jobId, uint256 indexed index, Outcome outcome, Split split);

    /// @notice No job with this id.
    error UnknownJob(uint256 jobId);
    /// @notice No milestone `index` in the job.
    error UnknownMilestone(uint256 jobId, uint256 index);
    /// @notice The milestone is `status`, which does not allow this action.
    error WrongMilestoneStatus(uint256 jobId, uint256 index, MilestoneStatus status);
    /// @notice A job needs 1 to MAX_MILESTONES milestones, with as many deadlines as amounts.
    error BadMilestones(uint256 amounts, uint256 deadlines);
    /// @notice The milestone's deadline `deadline` has passed.
    error MilestoneDeadlinePassed(uint256 jobId, uint256 index, uint256 deadline);
    /// @notice The review period runs until `endsAt`.
    error ReviewPeriodNotOver(uint256 jobId, uint256 index, uint256 endsAt);
    /// @notice The review period ended at `endedAt`: too late to dispute.
    error ReviewPeriodOver(uint256 jobId, uint256 index, uint256 endedAt);
    /// @notice The arbiter may rule until `endsAt`.
    error RulingPeriodNotOver(uint256 jobId, uint256 index, uint256 endsAt);
    /// @notice The ruling period ended at `endedAt`: only the even-split fallback remains.
    error RulingPeriodOver(uint256 jobId, uint256 index, uint256 endedAt);
    /// @notice `account` is neither the employer nor the worker.
    error NotJobParty(uint256 jobId, address account);
    /// @notice The employer cannot be the worker.
    error SelfEmployment(address account);

    /// @param registry_ The platform registry.
    constructor(StoaRegistry registry_) Escrow(registry_) {}

    // ---------------------------------------------------------------- employer

    /// @notice Creates a job; milestones start unfunded.
    /// @param jobHash keccak256 of the job record's id.
    /// @param amounts Payment of each milestone (token wei).
    /// @param deadlines Submission deadline of each milestone (unix seconds).
    /// @return jobId The new job's id.
    function createJob(
        address worker,
        address arbiter,
        address token,
        bytes32 jobHash,
        uint128[] calldata amounts,
        uint40[] calldata deadlines
    ) external returns (uint256 jobId) {
        if (amounts.length == 0 || amounts.length > MAX_MILESTONES || amounts.length != deadlines.length) {
            revert BadMilestones(amounts.length, deadlines.length);
        }
        if (worker == msg.sender) revert SelfEmployment(worker);
        StoaRegistry.Params memory params = registry.escrowTerms(msg.sender, worker, arbiter, token);
        jobId = ++jobCount;
        Job memory job = Job({
            employer: msg.sender,
            worker: worker,
            arbiter: arbiter,
            token: token,
            jobHash: jobHash,
            protocolFeeBps: params.protocolFeeBps,
            arbiterFeeBps: params.arbiterFeeBps,
            rulingPeriod: params.rulingPeriod,
            reviewPeriod: params.minDisputeWindow
        });
        _jobs[jobId] = job;
        Milestone[] storage milestones = _milestones[jobId];
        for (uint256 i = 0; i < amounts.length; ++i) {
            if (amounts[i] == 0) revert ZeroAmount();
            _requireDeadline(deadlines[i], params);
            milestones.push(Milestone(amounts[i], deadlines[i], 0, MilestoneStatus.Unfunded));
        }
        emit JobCreated(jobId, msg.sender, worker, job, milestones);
    }

    /// @notice The employer funds milestone `index` (send the amount as value for ETH; approve
    /// it for an ERC-20).
    function fundMilestone(uint256 jobId, uint256 index) external payable nonReentrant {
        _fund(jobId, index);
    }

    /// @notice The employer funds an ERC-20 milestone in one transaction with an EIP-2612 permit.
    function fundMilestoneWithPermit(
        uint256 jobId,
        uint256 index,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _permit(job.token, milestone.amount, permitDeadline, v, r, s);
        _fund(jobId, index);
    }

    /// @notice The employer approves milestone `index`, started or submitted: the worker is paid.
    function approveMilestone(uint256 jobId, uint256 index) external nonReentrant {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _requireCaller(job.employer);
        MilestoneStatus status = milestone.status;
        if (status != MilestoneStatus.Started && status != MilestoneStatus.Submitted) {
            revert WrongMilestoneStatus(jobId, index, status);
        }
        _settle(jobId, index, Outcome.Released, 0);
    }

    // ---------------------------------------------------------------- worker

    /// @notice The worker commits to funded milestone `index`, before its deadline.
    function startMilestone(uint256 jobId, uint256 index) external {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _requireCaller(job.worker);
        _requireStatus(jobId, index, MilestoneStatus.Funded);
        _requireBeforeDeadline(jobId, index, milestone.deadline);
        milestone.status = MilestoneStatus.Started;
        emit MilestoneStarted(jobId, index);
    }

    /// @notice The worker submits milestone `index` before its deadline.
    /// @param deliverableCid IPFS CID of the deliverable (or of a note describing it).
    function submitMilestone(uint256 jobId, uint256 index, string calldata deliverableCid) external {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _requireCaller(job.worker);
        _requireStatus(jobId, index, MilestoneStatus.Started);
        _requireBeforeDeadline(jobId, index, milestone.deadline);
        milestone.status = MilestoneStatus.Submitted;
        milestone.since = uint40(block.timestamp);
        emit MilestoneSubmitted(jobId, index, deliverableCid);
    }

    /// @notice The worker takes the payment of a submission the employer left unanswered for the
    /// review period.
    function claimMilestone(uint256 jobId, uint256 index) external nonReentrant {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _requireCaller(job.worker);
        _requireStatus(jobId, index, MilestoneStatus.Submitted);
        uint256 endsAt = uint256(milestone.since) + job.reviewPeriod;
        if (block.timestamp < endsAt) revert ReviewPeriodNotOver(jobId, index, endsAt);
        _settle(jobId, index, Outcome.Claimed, 0);
    }

    // ---------------------------------------------------------------- either party

    /// @notice The employer or the worker disputes milestone `index`: started and before its
    /// deadline, or submitted and still in its review period. (A started milestone past its
    /// deadline without a submission is the employer's to cancel, not a case.)
    function disputeMilestone(uint256 jobId, uint256 index) external {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        if (msg.sender != job.employer && msg.sender != job.worker) revert NotJobParty(jobId, msg.sender);
        MilestoneStatus status = milestone.status;
        if (status == MilestoneStatus.Submitted) {
            uint256 endedAt = uint256(milestone.since) + job.reviewPeriod;
            if (block.timestamp >= endedAt) revert ReviewPeriodOver(jobId, index, endedAt);
        } else if (status == MilestoneStatus.Started) {
            _requireBeforeDeadline(jobId, index, milestone.deadline);
        } else {
            revert WrongMilestoneStatus(jobId, index, status);
        }
        milestone.status = MilestoneStatus.Disputed;
        milestone.since = uint40(block.timestamp);
        emit MilestoneDisputed(jobId, index, msg.sender);
    }

    /// @notice Cancels milestone `index`. The employer may cancel it unfunded, funded but not
    /// started, or started with its deadline passed and nothing submitted; the worker may step
    /// back from it funded or started. Funds go back to the employer.
    function cancelMilestone(uint256 jobId, uint256 index) external nonReentrant {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        MilestoneStatus status = milestone.status;
        bool allowed;
        if (msg.sender == job.employer) {
            allowed =
                status == MilestoneStatus.Unfunded ||
                status == MilestoneStatus.Funded ||
                (status == MilestoneStatus.Started && block.timestamp > milestone.deadline);
        } else if (msg.sender == job.worker) {
            allowed = status == MilestoneStatus.Funded || status == MilestoneStatus.Started;
        } else {
            revert NotJobParty(jobId, msg.sender);
        }
        if (!allowed) revert WrongMilestoneStatus(jobId, index, status);
        milestone.status = MilestoneStatus.Cancelled;
        emit MilestoneCancelled(jobId, index, msg.sender);
        if (status != MilestoneStatus.Unfunded) {
            Split memory split = _split(Outcome.Refunded, milestone.amount, 0, _terms(job));
            emit MilestoneSettled(jobId, index, Outcome.Refunded, split);
            _payOut(job.token, job.employer, job.worker, job.arbiter, split);
        }
    }

    /// @notice Either party ends a dispute the arbiter left unruled past the ruling period: an
    /// even split without arbiter fee.
    function resolveUnruledMilestone(uint256 jobId, uint256 index) external nonReentrant {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        if (msg.sender != job.employer && msg.sender != job.worker) revert NotJobParty(jobId, msg.sender);
        _requireStatus(jobId, index, MilestoneStatus.Disputed);
        uint256 endsAt = uint256(milestone.since) + job.rulingPeriod;
        if (block.timestamp < endsAt) revert RulingPeriodNotOver(jobId, index, endsAt);
        _settle(jobId, index, Outcome.Unruled, 0);
    }

    // ---------------------------------------------------------------- arbiter

    /// @notice The arbiter rules disputed milestone `index` within the ruling period: the employer
    /// gets `employerBps` of the amount after the arbiter fee, the worker the rest minus the
    /// protocol fee.
    function ruleMilestone(uint256 jobId, uint256 index, uint16 employerBps) external nonReentrant {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _requireRuling(job.arbiter);
        _requireStatus(jobId, index, MilestoneStatus.Disputed);
        uint256 endsAt = uint256(milestone.since) + job.rulingPeriod;
        if (block.timestamp >= endsAt) revert RulingPeriodOver(jobId, index, endsAt);
        _settle(jobId, index, Outcome.Ruled, employerBps);
    }

    // ---------------------------------------------------------------- views

    /// @notice Job `jobId`.
    function getJob(uint256 jobId) external view returns (Job memory) {
        if (_jobs[jobId].employer == address(0)) revert UnknownJob(jobId);
        return _jobs[jobId];
    }

    /// @notice Every milestone of job `jobId`.
    function getMilestones(uint256 jobId) external view returns (Milestone[] memory) {
        if (_jobs[jobId].employer == address(0)) revert UnknownJob(jobId);
        return _milestones[jobId];
    }

    // ---------------------------------------------------------------- internals

    function _fund(uint256 jobId, uint256 index) private {
        (Job storage job, Milestone storage milestone) = _load(jobId, index);
        _requireCaller(job.employer);
        _requireStatus(jobId, index, MilestoneStatus.Unfunded);
        _requireBeforeDeadline(jobId, index, milestone.deadline);
        milestone.status = MilestoneStatus.Funded;
        emit MilestoneFunded(jobId, index, milestone.amount);
        _collect(job.token, msg.sender, milestone.amount);
    }

    function _settle(uint256 jobId, uint256 index, Outcome outcome, uint256 employerBps) private {
        Job storage job = _jobs[jobId];
        Milestone storage milestone = _milestones[jobId][index];
        Split memory split = _split(outcome, milestone.amount, employerBps, _terms(job));
        milestone.status = _finalStatus(outcome);
        emit MilestoneSettled(jobId, index, outcome, split);
        _payOut(job.token, job.employer, job.worker, job.arbiter, split);
    }

    function _load(uint256 jobId, uint256 index) private view returns (Job storage job, Milestone storage milestone) {
        job = _jobs[jobId];
        if (job.employer == address(0)) revert UnknownJob(jobId);
        Milestone[] storage list = _milestones[jobId];
        if (index >= list.length) revert UnknownMilestone(jobId, index);
        milestone = list[index];
    }

    function _requireCaller(address expected) private view {
        if (msg.sender != expected) revert Unauthorized(msg.sender, expected);
    }

    function _requireStatus(uint256 jobId, uint256 index, MilestoneStatus expected) private view {
        MilestoneStatus status = _milestones[jobId][index].status;
        if (status != expected) revert WrongMilestoneStatus(jobId, index, status);
    }

    function _requireBeforeDeadline(uint256 jobId, uint256 index, uint256 deadline) private view {
        if (block.timestamp > deadline) revert MilestoneDeadlinePassed(jobId, index, deadline);
    }

    function _terms(Job storage job) private view returns (Terms memory) {
        return Terms(job.protocolFeeBps, job.arbiterFeeBps, job.rulingPeriod);
    }

    function _finalStatus(Outcome outcome) private pure returns (MilestoneStatus) {
        if (outcome == Outcome.Released) return MilestoneStatus.Paid;
        if (outcome == Outcome.Claimed) return MilestoneStatus.Claimed;
        if (outcome == Outcome.Ruled) return MilestoneStatus.Ruled;
        return MilestoneStatus.Unruled;
    }
}
